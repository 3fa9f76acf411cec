// A broken `api` does not hide the other mistakes: both are reported.
ipidea::generate!("../../../../tests/ui/specs/missing-api-key-hides-other-errors.json");

fn main() {}
