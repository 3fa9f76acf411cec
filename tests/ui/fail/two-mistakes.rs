ipidea::generate!("../../../../tests/ui/specs/two-mistakes.json");

fn main() {}
