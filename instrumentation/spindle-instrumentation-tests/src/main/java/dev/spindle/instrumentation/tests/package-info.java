/**
 * Shared test suites for Spindle's integrations, in the manner of Brave's {@code ITHttpClient} and
 * {@code ITHttpServer}: every HTTP client integration runs {@link
 * dev.spindle.instrumentation.tests.AbstractHttpClientTest}, every HTTP server integration runs
 * {@link dev.spindle.instrumentation.tests.AbstractHttpServerTest}. Both check scopes strictly
 * ({@link dev.spindle.instrumentation.tests.StrictScopesExtension}) and read what the tracer
 * would send through a {@link dev.spindle.instrumentation.tests.CapturingTransport}.
 */
package dev.spindle.instrumentation.tests;
