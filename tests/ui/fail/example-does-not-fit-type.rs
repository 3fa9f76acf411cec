ipidea::generate!("../../../../tests/ui/specs/example-does-not-fit-type.json");

fn main() {}
