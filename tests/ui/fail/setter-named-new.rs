ipidea::generate!("../../../../tests/ui/specs/setter-named-new.json");

fn main() {}
