ipidea::generate!("../../../../tests/ui/specs/endpoint-named-with-timeout.json");

fn main() {}
