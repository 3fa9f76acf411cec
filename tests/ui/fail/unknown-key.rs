ipidea::generate!("../../../../tests/ui/specs/unknown-key.json");

fn main() {}
