//! The account and Terminal connection tokens.

use super::fields::*;
use super::*;

pub(super) fn retrieve_account(state: &mut State, call: &Call<'_>) -> Result<Value, ApiError> {
    call.validate(ONLY_EXPAND)?;
    call.options(&[])?;
    Ok(state.render_account())
}

pub(super) fn create_connection_token(
    state: &mut State,
    call: &Call<'_>,
) -> Result<Value, ApiError> {
    call.validate(CREATE_CONNECTION_TOKEN)?;
    call.options(&[])?;
    let secret = format!("pst_test_{}", random_alnum(40));
    let mut token = json!({
        "object": "terminal.connection_token",
        "secret": secret,
    });
    if let Some(location) = call.params.str(&["location"]) {
        existing_location(state, location, "location")?;
        token["location"] = json!(location);
    }
    // The simulated Terminal SDK authenticates with it (see `api::authenticate`).
    state.connection_tokens.insert(secret, now());
    Ok(token)
}
