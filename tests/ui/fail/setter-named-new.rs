// An optional request field named `new` would get a setter that collides with the
// constructor: a spec error.
ipidea::generate!("../../../../tests/ui/specs/setter-named-new.json");

fn main() {}
