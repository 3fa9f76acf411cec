ipidea::generate!("../../../../tests/ui/specs/type-named-like-the-runtime.json");

fn main() {}
