ipidea::generate!("../../../../tests/ui/specs/invalid-json.json");

fn main() {}
