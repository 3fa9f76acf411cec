ipidea::generate!("../../../../tests/ui/specs/missing-api-key-hides-other-errors.json");

fn main() {}
