ipidea::generate!("../../../../tests/ui/specs/unknown-type.json");

fn main() {}
