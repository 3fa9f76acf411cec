ipidea::generate!("../../../../tests/ui/specs/no-such-spec.json");

fn main() {}
