ipidea::generate!("../../../../tests/ui/specs/paging-names-missing-field.json");

fn main() {}
