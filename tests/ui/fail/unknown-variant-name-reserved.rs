ipidea::generate!("../../../../tests/ui/specs/unknown-variant-name-reserved.json");

fn main() {}
