ipidea::generate!("../../../../tests/ui/specs/enum-variant-collision.json");

fn main() {}
