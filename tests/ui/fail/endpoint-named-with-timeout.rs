// An endpoint named like a method of the generated `Client` is a spec error, not a
// duplicate-definition error from rustc.
ipidea::generate!("../../../../tests/ui/specs/endpoint-named-with-timeout.json");

fn main() {}
