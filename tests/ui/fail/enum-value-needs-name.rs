ipidea::generate!("../../../../tests/ui/specs/enum-value-needs-name.json");

fn main() {}
