// A user crate generates a client of its own API next to the IPIDEA client: its own `Client`,
// request types and enums, on the same runtime.
ipidea::generate!("../../../../tests/ui/specs/own-api.json");

use std::marker::PhantomData;

use ipidea::ApiRequest;

fn data_of<R: ApiRequest>(_: &R) -> PhantomData<R::Data> {
    PhantomData
}

fn main() -> Result<(), ipidea::Error> {
    // `type` is a keyword: the field is `r#type`, the wire name stays `type`.
    let request = NoteAddRequest::new("todo").priority(Priority::High);
    assert_eq!(request.r#type, "todo");
    assert_eq!(request.priority, Some(Priority::High));
    assert_eq!(Priority::High.as_str(), "1");
    assert_eq!(Priority::from_wire("0"), Priority::Low);
    assert_eq!(NoteAddRequest::ENDPOINT.path, "/api/note_add");
    assert!(request.validate().is_ok());

    // A `json` response is untyped.
    let _: PhantomData<serde_json::Value> = data_of(&request);

    let notes = Client::builder()
        .credential("token", "secret")
        .base_url("http://127.0.0.1:9")
        .build()?;
    let ipidea = ipidea::Client::new("uid", "appkey")?;
    let _ = (notes, ipidea);
    Ok(())
}
