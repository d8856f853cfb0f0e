// After a passkey is registered (django-otp-webauthn's script fires this event), reload the page so that the list
// of passkeys shows it. No inline script: the Content-Security-Policy allows only files served by the app.
document.addEventListener("otp_webauthn.register_complete", () => window.location.reload());
