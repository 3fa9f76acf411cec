ipidea::generate!("../../../../tests/ui/specs/reserved-endpoint-name.json");

fn main() {}
