ipidea::generate!("../../../../tests/ui/specs/bounds-inverted.json");

fn main() {}
