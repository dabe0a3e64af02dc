package dev.es.engine.store.blob;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A fault wrapper in the Azure SDK's pipeline, in front of a real Azurite: the next {@link #fail n requests} are
 * answered by the policy itself with an error status ({@code 503 ServerBusy}: throttling, {@code 403}: a fatal one),
 * as the service answers them, without reaching Azurite. It sits per call, before the SDK's own retry policy, so the
 * error reaches the store as if the SDK's retries had run out.
 */
public final class ThrottlingPolicy implements HttpPipelinePolicy {

    private final AtomicInteger faults = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    private volatile int status = 503;
    private volatile String code = "ServerBusy";

    /** A client of {@code azurite} with this policy in its pipeline. */
    public BlobServiceClient client(AzuriteExtension azurite) {
        return new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .httpClient(new NettyAsyncHttpClientBuilder().build()).addPolicy(this).buildClient();
    }

    /** The next {@code count} requests are answered with {@code status} and the error code {@code errorCode}. */
    public ThrottlingPolicy fail(int count, int status, String errorCode) {
        this.status = status;
        this.code = errorCode;
        faults.set(count);
        return this;
    }

    /** Faults still to inject. */
    public int pending() {
        return faults.get();
    }

    /** Faults injected so far. */
    public int injected() {
        return injected.get();
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_CALL;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        if (take()) {
            return Mono.just(new ErrorResponse(context.getHttpRequest(), status, code));
        }
        return next.process();
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        if (take()) {
            return new ErrorResponse(context.getHttpRequest(), status, code);
        }
        return next.processSync();
    }

    private boolean take() {
        if (faults.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            injected.incrementAndGet();
            return true;
        }
        return false;
    }

    /** An error answer as Azure Storage gives it: the status, the error code header and an XML body. */
    private static final class ErrorResponse extends HttpResponse {

        private final int status;
        private final HttpHeaders headers;
        private final byte[] body;

        ErrorResponse(HttpRequest request, int status, String code) {
            super(request);
            this.status = status;
            this.body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>injected"
                    + " fault: " + code + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
            this.headers = new HttpHeaders().set(HttpHeaderName.fromString("x-ms-error-code"), code)
                    .set(HttpHeaderName.CONTENT_TYPE, "application/xml")
                    .set(HttpHeaderName.CONTENT_LENGTH, String.valueOf(body.length))
                    .set(HttpHeaderName.fromString("x-ms-request-id"), "injected");
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        public String getHeaderValue(String name) {
            return headers.getValue(HttpHeaderName.fromString(name));
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.just(ByteBuffer.wrap(body));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.just(body);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.just(new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.just(new String(body, charset));
        }
    }
}
