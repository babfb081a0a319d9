pub struct GoogleAuth; pub struct GoogleAuthConfig;
