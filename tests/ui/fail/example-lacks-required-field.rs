ipidea::generate!("../../../../tests/ui/specs/example-lacks-required-field.json");

fn main() {}
