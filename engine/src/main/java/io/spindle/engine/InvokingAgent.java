package io.spindle.engine;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;

/**
 * The ingest agent with the embedded media driver and the Aeron client's conductor run inside its duty cycle
 * ({@code spindle.driver.threading=invoker}): each cycle first invokes the driver (its receiver reads the socket into
 * the image's log buffer, its conductor and sender do their work), then the client's conductor, then the ingest agent,
 * which polls what the driver just received. No thread hop between the socket and the journal, and no third busy
 * thread on a small machine.
 * <p>
 * Keeps the ingest agent's role name, so that its thread is still {@code spindle-ingest}. The driver's and the
 * client's invokers are started by the driver and the client and closed with them.
 */
final class InvokingAgent implements Agent
{
    private final Agent agent;
    private final AgentInvoker driver;
    private final AgentInvoker client;

    /**
     * @param agent  the ingest agent.
     * @param driver the embedded media driver's invoker.
     * @param client the Aeron client conductor's invoker.
     */
    InvokingAgent(final Agent agent, final AgentInvoker driver, final AgentInvoker client)
    {
        this.agent = agent;
        this.driver = driver;
        this.client = client;
    }

    /**
     * {@inheritDoc}
     */
    public void onStart()
    {
        agent.onStart();
    }

    /**
     * {@inheritDoc}
     */
    public int doWork() throws Exception
    {
        return driver.invoke() + client.invoke() + agent.doWork();
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        agent.onClose();
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return agent.roleName();
    }
}
