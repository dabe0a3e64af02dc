package dev.es.engine.store.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A fault wrapper over a real {@link DataSource}: the next {@link #failConnections n connections} are refused with a
 * given SQLState (a server that is down, too many connections, a privilege missing), and the next
 * {@link #dropStatements n statements} find their connection dropped (the real connection is closed under them, as a
 * network failure or a server restart closes it: SQLState {@code 08006}). Everything else is the real database.
 */
public final class FlakyDataSource implements DataSource {

    private final DataSource delegate;
    private final AtomicInteger connectionFaults = new AtomicInteger();
    private volatile String connectionSqlState = "08001";
    private final AtomicInteger statementFaults = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();

    public FlakyDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** The next {@code count} connections are refused with {@code sqlState}. */
    public FlakyDataSource failConnections(int count, String sqlState) {
        this.connectionSqlState = sqlState;
        connectionFaults.set(count);
        return this;
    }

    /** The next {@code count} statements prepared find their connection dropped. */
    public FlakyDataSource dropStatements(int count) {
        statementFaults.set(count);
        return this;
    }

    /** Faults still to inject. */
    public int pending() {
        return connectionFaults.get() + statementFaults.get();
    }

    /** Faults injected so far. */
    public int injected() {
        return injected.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (connectionFaults.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            injected.incrementAndGet();
            throw new SQLException("injected fault: connection refused", connectionSqlState);
        }
        return dropping(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("FlakyDataSource takes no credentials");
    }

    private Connection dropping(Connection real) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if ((name.equals("prepareStatement") || name.equals("prepareCall")
                            || name.equals("createStatement"))
                            && statementFaults.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        injected.incrementAndGet();
                        real.unwrap(Connection.class).close(); // the physical connection: a pool drops it
                        throw new SQLException("injected fault: an I/O error occurred while sending to the backend"
                                + " (connection dropped)", "08006");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return delegate.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return delegate.isWrapperFor(type);
    }
}
