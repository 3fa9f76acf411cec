ipidea::generate!("../../../../tests/ui/specs/integer-enum-value-not-integer.json");

fn main() {}
