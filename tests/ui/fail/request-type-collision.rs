ipidea::generate!("../../../../tests/ui/specs/request-type-collision.json");

fn main() {}
