ipidea::generate!("../../../../tests/ui/specs/duplicate-endpoint.json");

fn main() {}
