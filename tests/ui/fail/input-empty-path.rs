ipidea::generate!("");

fn main() {}
