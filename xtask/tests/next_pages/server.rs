//! The server of the next pages' lists and uploads: a real HTTP server on
//! 127.0.0.1, answering as DRF does.

use std::collections::BTreeMap;

use serde_json::Value;

pub const FIELD: &str = "11111111-1111-1111-1111-111111111111";
pub const LOOPING: &str = "22222222-2222-2222-2222-222222222222";

pub type Seen = std::sync::Arc<std::sync::Mutex<Vec<(String, bool)>>>;
/// Each multipart request's URL and parts.
pub type Forms =
    std::sync::Arc<std::sync::Mutex<Vec<(String, BTreeMap<String, crate::common::Part>)>>>;

/// A real HTTP server on 127.0.0.1 serving `records_field_values_list` in
/// pages of two by page number, as DRF does (`next` an absolute URL on the
/// host DRF believes it is, here another one). For `LOOPING`, page 2 links
/// back to itself. Records each request's URL and whether it had the
/// credentials. A multipart POST (an automation's attachment) is parsed
/// into `Forms` and answered as created. A custom object's type is
/// answered as a newer server would: `object_type` a value the spec does
/// not list, and a field it does not describe.
pub fn pages_server() -> (String, Seen, Forms) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    let seen: Seen = Default::default();
    let forms: Forms = Default::default();
    let log = seen.clone();
    let posted = forms.clone();
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let url = request.url().to_string();
            let header = tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap();
            if request.method() == &tiny_http::Method::Post {
                let content_type = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Content-Type"))
                    .map(|h| h.value.to_string())
                    .unwrap_or_default();
                let mut body = Vec::new();
                std::io::Read::read_to_end(request.as_reader(), &mut body).unwrap();
                let parts = crate::common::parse_multipart(&content_type, &body);
                let name = String::from_utf8_lossy(&parts["name"].content).to_string();
                posted.lock().unwrap().push((url, parts));
                let answer = serde_json::json!({"id": LOOPING, "name": name});
                let response = tiny_http::Response::from_string(answer.to_string())
                    .with_status_code(201)
                    .with_header(header);
                let _ = request.respond(response);
                continue;
            }
            if url.ends_with("/type") {
                // A newer server: a choice and a field the spec lacks.
                let answer = serde_json::json!({
                    "id": FIELD, "name": "Deals", "object_type": "workflow",
                    "stages": [{"name": "won"}]
                });
                let response =
                    tiny_http::Response::from_string(answer.to_string()).with_header(header);
                let _ = request.respond(response);
                continue;
            }
            let credentials = ["X-API-KEY", "X-USER-ID", "X-BUSINESS-ID"]
                .iter()
                .all(|h| request.headers().iter().any(|x| x.field.equiv(h)));
            log.lock().unwrap().push((url.clone(), credentials));
            let page: usize = url
                .split(['?', '&'])
                .find_map(|p| p.strip_prefix("page="))
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let field = if url.contains(LOOPING) {
                LOOPING
            } else {
                FIELD
            };
            let values: Vec<Value> = (1..=5)
                .skip((page - 1) * 2)
                .take(2)
                .map(|i| serde_json::json!({"id": FIELD, "value": format!("v{i}")}))
                .collect();
            let next_page = if field == LOOPING && page == 2 {
                Some(2)
            } else {
                (page < 3).then_some(page + 1)
            };
            let next = next_page.map(|n| {
                format!("http://testserver/api/records/fields/{field}/values?page={n}&page_size=2")
            });
            let body = serde_json::json!({
                "count": 5, "next": next, "previous": null, "results": values, "errors": null
            });
            let response = tiny_http::Response::from_string(body.to_string()).with_header(header);
            let _ = request.respond(response);
        }
    });
    (base, seen, forms)
}
