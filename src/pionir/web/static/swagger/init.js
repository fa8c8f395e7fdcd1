// Starts Swagger UI on /docs. A file, not an inline script: the page's
// Content-Security-Policy allows scripts from this server only (web/headers.py).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // No call to validator.swagger.io: the schema stays on this server.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
