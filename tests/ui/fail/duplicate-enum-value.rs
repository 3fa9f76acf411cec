ipidea::generate!("../../../../tests/ui/specs/duplicate-enum-value.json");

fn main() {}
