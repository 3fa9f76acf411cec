ipidea::generate!("../../../../tests/ui/specs/field-name-self.json");

fn main() {}
