import CrierCore
import CrierPluginKit
import CrierStore
import CrierTemplates
import Hummingbird
import Logging
import Prometheus

/// Settings of a running server that are not stored in the database.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The base URL people and providers reach this server at (setup links, webhooks behind a proxy).
    public var publicURL: String?
    /// How often the scheduler looks for due messages.
    public var pollInterval: Duration

    public init(host: String = "0.0.0.0", port: Int = 8080, publicURL: String? = nil, pollInterval: Duration = .seconds(2)) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.pollInterval = pollInterval
    }

    /// The base URL for links Crier prints: `public_url`, or this machine on the port.
    public var baseURL: String {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let shown = host == "0.0.0.0" || host == "::" ? "localhost" : host
        return "http://\(shown):\(port)"
    }
}

/// Builds Crier's HTTP application over a store: JSON API, health and metrics.
public enum CrierServer {
    /// The router with every route and middleware; tests drive it through HummingbirdTesting.
    /// With `testClock`, `/api/v1/test-clock` exists and moves it; `dispatcher` sends what becomes due.
    /// `bcryptCost` hashes staff passwords set in the web form (12; tests may lower it). `checkTemplates`
    /// (tests) answers 500 for a page whose template looks up a name outside its view.
    public static func router(
        store: Store, registry: PrometheusCollectorRegistry, dispatcher: Dispatcher? = nil, testClock: ManualClock? = nil,
        publicURL: String? = nil, bcryptCost: UInt8 = 12, plugins: PluginHost? = nil, checkTemplates: Bool = false
    ) throws -> Router<CrierRequestContext> {
        let plugins = plugins ?? .none(logger: store.logger)
        let router = Router(context: CrierRequestContext.self)
        let pages = try WebPages()
        router.add(middleware: AccessLog(logger: store.logger))
        if checkTemplates { router.add(middleware: TemplateCheck()) }
        router.add(middleware: SecurityHeaders(publicURL: dispatcher?.publicURL ?? publicURL))
        // Filled in below, once every route is there.
        let known = KnownRoutes()
        router.add(middleware: MethodNotAllowed(routes: known))
        router.add(middleware: RequestMetrics(registry: registry))
        router.add(middleware: OversizedBodies())
        router.add(middleware: APIErrorMiddleware(trouble: store.trouble))
        router.add(middleware: WebErrorMiddleware(pages: pages, trouble: store.trouble))
        // Every route but the web form's is registered with its description.
        let catalog = APICatalog()
        let open = DocumentedRoutes(routes: router, prefix: "", access: .open, catalog: catalog)
        HealthRoutes(store: store, registry: registry, plugins: plugins).register(on: open)
        // The API's description needs no key: tools fetch it before they have one.
        APIDescriptionRoutes(catalog: catalog, pages: pages).register(on: open)
        let api = DocumentedRoutes(
            routes: router.group("api/v1").add(middleware: APIKeyAuthenticator(store: store)), prefix: "/api/v1", access: .apiKey, catalog: catalog)
        VenueRoutes(store: store).register(on: api)
        CustomerRoutes(store: store).register(on: api)
        CustomerExportRoute(store: store, plugins: plugins).register(on: api)
        EventRoutes(store: store).register(on: api)
        BookingRoutes(store: store).register(on: api)
        MessageRoutes(store: store).register(on: api)
        InboxRoutes(store: store).register(on: api)
        StatisticsRoutes(store: store).register(on: api)
        let directory = WebhookDirectory(store: store)
        if let dispatcher {
            ProviderRoutes(store: store, providers: dispatcher.providerList, changed: directory.clear).register(on: api)
            TemplateRoutes(store: store, renderer: dispatcher.renderer, changed: directory.clear).register(on: api)
            let hooks = dispatcher.providerList.compactMap { $0 as? any SMSWebhooks & SMSProvider }
            WebhookRoutes(
                store: store, providers: Dictionary(hooks.map { ($0.id, $0 as any SMSWebhooks) }, uniquingKeysWith: { a, _ in a }),
                renderer: dispatcher.renderer, publicURL: dispatcher.publicURL, logger: dispatcher.logger, directory: directory,
                queue: InboundQueue(store: store, logger: dispatcher.logger), metrics: WebhookMetrics(registry: registry)
            ).register(on: DocumentedRoutes(routes: router, prefix: "", access: .webhook, catalog: catalog))
        }
        if let testClock, let dispatcher { TestClockRoutes(clock: testClock, dispatcher: dispatcher).register(on: api) }
        WebRoutes(store: store, pages: pages, onboarding: StaffOnboarding(store: store, cost: bcryptCost),
                  publicURL: dispatcher?.publicURL ?? publicURL, providers: dispatcher?.providerList ?? [],
                  renderer: try dispatcher?.renderer ?? SMSRenderer(defaults: DefaultTemplates.sms()), changed: directory.clear,
                  plugins: plugins
        ).register(on: router, api: api)
        known.load(router.routes)
        return router
    }

    /// The application over a running store (see `Store.withRunning`); `runService()` stops it
    /// gracefully on SIGTERM/SIGINT: in-flight requests finish, then the store closes.
    public static func application(
        store: Store, settings: ServerSettings, registry: PrometheusCollectorRegistry, dispatcher: Dispatcher,
        testClock: ManualClock?, plugins: PluginHost, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        var projections = plugins.projections(store: store)
        // Often and small: a pass a quarter of a second keeps each batch a few milliseconds of the writer.
        projections.interval = min(settings.pollInterval, .milliseconds(250))
        return Application(
            router: try router(
                store: store, registry: registry, dispatcher: dispatcher, testClock: testClock, publicURL: settings.publicURL, plugins: plugins,
                // A server under test also refuses pages whose templates look outside their views.
                checkTemplates: testClock != nil),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "crier"),
            services: [ReminderService(dispatcher: dispatcher, interval: settings.pollInterval, logger: logger), projections,
                       RetentionService(store: store, logger: logger),
                       PluginJobs(host: plugins, store: store)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger)
    }
}
