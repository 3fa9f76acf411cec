ipidea::generate!("../../../../tests/ui/specs/valid-base.json");

fn main() {
    let _ = PaintRequest::new(Color::Red).coats(2);
}
