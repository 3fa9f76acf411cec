ipidea::generate!("../../../../tests/ui/specs/bound-on-wrong-type.json");

fn main() {}
