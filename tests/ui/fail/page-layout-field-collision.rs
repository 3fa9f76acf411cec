ipidea::generate!("../../../../tests/ui/specs/page-layout-field-collision.json");

fn main() {}
