ipidea::generate!("../../../../tests/ui/specs/paging-field-not-integer.json");

fn main() {}
