//! The program the next pages' tests build beside the generated client.

/// Calls every operation of the fixtures 15 times through the generated
/// client: each response must parse, and Prism must accept each request.
pub const PRISM_CALLS: &str = r#"
use kizen_api::types::{S3PresignedPostRetrieveSource, S3SuccessCreateBody};
use kizen_api::{Client, Credentials};

const ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

#[tokio::main]
async fn main() {
    let base = std::env::args().nth(1).expect("base URL");
    let credentials = Credentials::new("business", "user", "key").unwrap();
    let client = Client::with_credentials(&base, credentials).unwrap();
    let id = uuid::Uuid::parse_str(ID).unwrap();
    if std::env::args().nth(2).as_deref() == Some("drift") {
        // An answer from a newer server: its events on stderr.
        tracing_subscriber::fmt().with_writer(std::io::stderr).with_ansi(false).init();
        let answer = client.custom_objects_type_retrieve().id(id).send().await.unwrap().into_inner();
        match &answer.object_type {
            kizen_api::types::ObjectTypeEnum::Standard | kizen_api::types::ObjectTypeEnum::Pipeline => {
                println!("documented")
            }
            kizen_api::types::ObjectTypeEnum::Undocumented(value) => println!("undocumented {value}"),
            _ => println!("another variant"),
        }
        println!("{}", serde_json::to_string(&answer).unwrap());
        return;
    }
    if let Some(field) = std::env::args().nth(2) {
        // Stream every value of `field`, two a page.
        use futures_util::StreamExt;
        let field = uuid::Uuid::parse_str(&field).unwrap();
        let mut values = Vec::new();
        let mut stream = client.records_field_values_list_stream(|b| b.field_id(field).page_size(2));
        while let Some(item) = stream.next().await {
            match item {
                Ok(v) => values.push(v.value),
                Err(e) => {
                    println!("{} then error: {e}", values.join(","));
                    return;
                }
            }
        }
        println!("{}", values.join(","));
        return;
    }
    let (mut passed, mut failed) = (0, 0);
    let mut check = |operation: &str, outcome: Result<(), String>| match outcome {
        Ok(()) => passed += 1,
        Err(e) => {
            failed += 1;
            eprintln!("{operation}: {e}");
        }
    };
    for i in 0..15i64 {
        let r = client.records_field_values_list().field_id(id).page(i + 1).page_size(10).send().await;
        check("records_field_values_list", r.map(|_| ()).map_err(|e| e.to_string()));
        let r = client.records_retrieve().id(id).send().await;
        check("records_retrieve", r.map(|_| ()).map_err(|e| e.to_string()));
        let r = client.custom_objects_list().page(i + 1).search("acme").send().await;
        check("custom_objects_list", r.map(|_| ()).map_err(|e| e.to_string()));
        let r = client.custom_objects_activity_retrieve().id(id).send().await;
        check("custom_objects_activity_retrieve", r.map(|_| ()).map_err(|e| e.to_string()));
        let r = client.automations_retrieve().id(id).send().await;
        check("automations_retrieve", r.map(|_| ()).map_err(|e| e.to_string()));
        let r = client.custom_objects_type_retrieve().id(id).send().await;
        check("custom_objects_type_retrieve", r.map(|_| ()).map_err(|e| e.to_string()));
        let r = client
            .s3_presigned_post_retrieve()
            .contenttype("application/pdf")
            .filename("resume.pdf")
            .source(S3PresignedPostRetrieveSource::FieldValue)
            .send()
            .await;
        check("s3_presigned_post_retrieve", r.map(|_| ()).map_err(|e| e.to_string()));
        let body = S3SuccessCreateBody::builder()
            .uuid(ID.to_string())
            .key("uploads/resume.pdf".to_string())
            .name("resume.pdf".to_string())
            .etag("9e107d9d372bb6826bd81d3542a419d6".to_string());
        let r = client.s3_success_create().source("FIELD_VALUE").body(body).send().await;
        check("s3_success_create", r.map(|_| ()).map_err(|e| e.to_string()));
    }
    println!("{passed} passed, {failed} failed");
    std::process::exit(if failed == 0 { 0 } else { 1 });
}
"#;
