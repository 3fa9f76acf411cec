ipidea::generate!("../../../../tests/ui/specs/type-expression-unclosed.json");

fn main() {}
