ipidea::generate!("first.json", "second.json");

fn main() {}
