ipidea::generate!("../../../../tests/ui/specs/stream-method-collision.json");

fn main() {}
