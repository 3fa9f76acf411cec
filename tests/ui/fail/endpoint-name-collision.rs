ipidea::generate!("../../../../tests/ui/specs/endpoint-name-collision.json");

fn main() {}
