package dev.es.sample;

import dev.es.engine.InvalidIdentifierException;
import dev.es.engine.aggregate.AggregateNotFoundException;
import dev.es.engine.migration.MigrationException;
import dev.es.engine.store.UnknownStoreException;
import dev.es.engine.store.WrongExpectedVersionException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Answers every error as an RFC 9457 problem detail ({@code application/problem+json}): unknown order 404, bad input
 * 400, a concurrent change 409. Spring MVC's own errors (unreadable body, bad parameter) come out the same way.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(AggregateNotFoundException.class)
    ProblemDetail notFound(AggregateNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Order not found", e.getMessage());
    }

    @ExceptionHandler({InvalidOrderException.class, InvalidIdentifierException.class, UnknownStoreException.class})
    ProblemDetail badRequest(RuntimeException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage());
    }

    @ExceptionHandler(WrongExpectedVersionException.class)
    ProblemDetail conflict(WrongExpectedVersionException e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "Order changed concurrently",
                e.getMessage() + "; read the order again and retry");
        problem.setProperty("actualVersion", e.actual());
        return problem;
    }

    @ExceptionHandler({MigrationException.class, MigrationController.MigrationAlreadyRunningException.class})
    ProblemDetail migrationRefused(RuntimeException e) {
        return problem(HttpStatus.CONFLICT, "Migration refused", e.getMessage());
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
