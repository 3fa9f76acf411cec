ipidea::generate!("../../../../tests/ui/specs/wrong-json-type.json");

fn main() {}
