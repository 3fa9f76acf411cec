ipidea::generate!("../../../../tests/ui/specs/unsupported-format.json");

fn main() {}
