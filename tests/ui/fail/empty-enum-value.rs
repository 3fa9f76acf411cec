ipidea::generate!("../../../../tests/ui/specs/empty-enum-value.json");

fn main() {}
