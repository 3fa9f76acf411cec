ipidea::generate!("../../../../tests/ui/specs/page-without-paging.json");

fn main() {}
