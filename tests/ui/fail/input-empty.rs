ipidea::generate!();

fn main() {}
