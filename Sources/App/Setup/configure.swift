import Fluent
import ObservatoryCore
import SQLKit
import Vapor

/// Sets up an application from its configuration: storage, migrations, services, middleware and routes.
/// Tests call it with their own configuration and clock.
public func configure(_ app: Application, _ config: AppConfig, clock: (any SiteClock)? = nil) async throws {
    try app.useStorage(config.storage)
    try await busyTimeoutEverywhere(app, config.storage)
    let cipher: FieldCipher
    do { cipher = try await KeyGuard.cipher(for: config, on: app.db) } catch let refusal as KeyGuard.Refusal {
        throw refusal
    } catch {
        throw AppConfig.Invalid(problems: [
            "\(config.key == .beside ? "OBSERVATORY_KEY_FILE" : "OBSERVATORY_KEY"): \(error)"
        ])
    }
    if config.verifyKey { try await KeyGuard.verify(cipher, source: config.keySourceName, on: app.db) }
    AuditLog.use(cipher)
    app.migrations.add(Migrations.all(cipher: cipher))
    app.site = SiteServices(
        config: config, clock: clock ?? SystemClock(), pageCache: PageCache(enabled: config.pageCache),
        contentWatcher: ContentWatcher(pollSeconds: config.changePollSeconds), cipher: cipher,
        mailer: config.smtp.map { SMTPClient(settings: $0, group: app.eventLoopGroup) })

    app.http.server.configuration.responseCompression = .enabled(initialByteBufferCapacity: 16 * 1024)
    app.http.server.configuration.serverName = nil
    app.http.server.configuration.idleTimeout = .seconds(Int64(config.idleTimeoutSeconds))
    // No request logging: readers may be at risk, so their addresses and paths are not written down.
    app.middleware = Middlewares()
    app.middleware.use(HeaderGuardMiddleware())  // outermost: sees every header, whoever set it
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(OnionLocationMiddleware())
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(ApiMiddleware())  // /api/: problem+json errors, CORS, ETag, limits (inside the headers above)
    app.storageHealth = StorageHealth()
    app.middleware.use(StorageFailureMiddleware())
    app.middleware.use(SameOriginMiddleware())
    app.middleware.use(LegacyRedirectMiddleware())  // an imported site's old addresses: 301 where no route answers
    app.middleware.use(
        BodyLimitMiddleware(
            budget: BodyBudget(capacity: config.uploadMemoryMB * 1024 * 1024),
            waitSeconds: Double(config.idleTimeoutSeconds) * 0.6))
    app.passwords.use(.bcrypt(cost: config.passwordCost))

    try app.register(collection: AssetController())
    try app.register(collection: PublicationController())
    try app.register(collection: SearchController())
    try app.register(collection: ListExportController())
    try app.register(collection: SitemapController())
    try app.register(collection: LanguageController())
    try app.register(collection: HealthController())
    ApiController().boot(app)
    app.apiLimiter = try ApiRateLimiter.fromEnvironment()
    // Internal routes: each declares the roles it allows (see `Access`); sessions are read only here.
    let office = app.grouped(SignInMiddleware())
    let registry = app.site.routes
    LoginController(registry: registry).boot(office)
    AccountController(registry: registry).boot(office)
    AccountLanguageController(registry: registry).boot(office)
    AlertSettingsController(registry: registry).boot(office)
    if config.retention { RetentionController(registry: registry).boot(office) }
    TokenController(registry: registry).boot(office)
    UserAdminController(registry: registry).boot(office)
    AuditController(registry: registry).boot(office)
    EditorialController(registry: registry).boot(office)
    CaseController(registry: registry).boot(office)
    CaseRecordController(registry: registry).boot(office)
    EvidenceController(registry: registry).boot(office)
    PersonLanguagesController(registry: registry).boot(office)
    VerificationController(registry: registry).boot(office)
    InterventionController(registry: registry).boot(office)
    AddressBookController(registry: registry).boot(office)
    try app.register(collection: ReportController())
    try app.register(collection: SubscriptionController())
    MailOfficeController(registry: registry).boot(office)
    try app.register(collection: BulletinController())
    try app.register(collection: AnnualReportPublicController())
    try app.register(collection: DirectoryController())
    try app.register(collection: TakeActionController())
    try app.register(collection: CallsController())
    CallsOfficeController(registry: registry).boot(office)
    OrganisationOfficeController(registry: registry).boot(office)
    try app.register(collection: CampaignsController())
    CampaignsOfficeController(registry: registry).boot(office)
    try app.register(collection: PortraitsController())
    PortraitsOfficeController(registry: registry).boot(office)
    try app.register(collection: MissionReportsController())
    MissionController(registry: registry).boot(office)
    AssistanceController(registry: registry).boot(office)
    AssistanceSettingsController(registry: registry).boot(office)
    FourEyesSettingsController(registry: registry).boot(office)
    BulletinOfficeController(registry: registry).boot(office)
    AnnualReportController(registry: registry, pdf: WeasyPrint()).boot(office)
    try app.register(collection: StatisticsController())
    StatisticsController().bootOffice(office, registry: registry)

    try await tuneSQLite(app.db)
    try await secureDeleteEverywhere(app)
}

/// Migrates, and on `serve` loads the demo archive into an empty database.
func prepareStorage(_ app: Application, loadDemo: Bool) async throws {
    try await UpgradeRepair.run(on: app.db)  // the caller holds the migration lock (`migrateStorage`)
    try await app.autoMigrate()
    do {
        try await SearchIndex.tidyUp(on: app.db)
    } catch {
        // A busy index does not stop the start: the upkeep tries again every minute (review r17, finding 1).
        app.logger.warning("Search index upkeep failed at start-up (tried again in a minute): \(SafeError.told(error))")
    }
    guard loadDemo else { return }
    // Empty means no publication at all, drafts included: a site with only drafts is not a newcomer's.
    struct Count: Decodable { let n: Int }
    let stored = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM publications").first(decoding: Count.self)?.n ?? 0
    guard stored == 0 else { return }
    app.logger.notice(
        "The database is empty: loading the demo archive (turn off with --no-demo or OBSERVATORY_DEMO=0)…")
    let demo = DemoArchive(endingOn: app.site.clock.today)
    let summary = try await ArchiveImporter(db: app.db).importRecords(demo.publications, demo.organisations)
    try await DemoField.load(demo.publications, today: app.site.clock.today, cipher: app.site.cipher, on: app.db)
    try await DemoCase.load(demo.caseFile, today: app.site.clock.today, cipher: app.site.cipher, on: app.db)
    app.logger.notice("Demo archive loaded: \(summary)")
}

/// Publishes scheduled publications when their time comes: every instance checks every 15 seconds
/// (publishing is idempotent, so several instances may check at once).
func startScheduler(_ app: Application) {
    BackgroundJob.start(app, name: "scheduled publishing", initialDelay: .seconds(1), every: .seconds(15)) { _ in
        do {
            let published = try await EditorialStore.publishDue(now: app.site.clock.now(), on: app.db)
            if !published.isEmpty {
                app.site.contentWatcher.invalidate()
                app.logger.notice("Published \(published.count) scheduled publication(s).")
            }
        } catch {
            app.logger.error("Scheduled publishing failed: \(SafeError.told(error))")
        }
    }
}

/// The search index's upkeep on PostgreSQL (review r16, finding 3): every minute, with no import loading, the
/// index keeps no pending list, so that one left on by a killed import does not stay on until the next start.
func startSearchUpkeep(_ app: Application) {
    guard case .postgres = app.site.config.storage else { return }
    BackgroundJob.start(app, name: "search upkeep", initialDelay: .seconds(60), every: .seconds(60)) { _ in
        do {
            do {
                try await SearchIndex.tidyUp(on: app.db)
            } catch {
                // A busy index does not stop the start: the upkeep tries again every minute (review r17, finding 1).
                app.logger.warning(
                    "Search index upkeep failed at start-up (tried again in a minute): \(SafeError.told(error))")
            }
        } catch {
            app.logger.warning("Search index upkeep failed (tried again in a minute): \(SafeError.told(error))")
        }
    }
}

/// Retention (issue 20): every instance checks every 10 minutes for records coming due (a staff alert each, once
/// per record and period) and purges sessions and sign-in attempts past their period.
func startRetentionCheck(_ app: Application) {
    BackgroundJob.start(app, name: "retention", initialDelay: .seconds(30), every: .minutes(10)) { _ in
        do {
            let result = try await RetentionActions.check(now: app.site.clock.now(), on: app.db)
            if result.alerts + result.purged > 0 {
                app.logger.notice(
                    "Retention: \(result.alerts) record(s) coming due, \(result.purged) sign-in row(s) purged.")
            }
        } catch {
            app.logger.error("Retention check failed: \(SafeError.told(error))")
        }
    }
}

/// Tells the person starting the server how to create the first administrator.
func announceMissingAdministrator(_ app: Application) async throws {
    guard try await !AccountStore.hasAdministrator(on: app.db) else { return }
    app.logger.notice(
        "No administrator yet. Create one with: observatory user create --email you@example.org --role administrator")
}

/// Delivers the outbox every 5 seconds while there is something due (each instance claims its own messages).
func startMailWorker(_ app: Application) {
    guard let mailer = app.site.mailer else {
        app.logger.notice(
            "No mail server configured (OBSERVATORY_SMTP_HOST): subscribers' messages wait in the outbox.")
        return
    }
    // Without the public address every link would lead to localhost: the messages wait in the outbox (nothing is lost,
    // /health says mail is late) until the server is started again with it, rather than go out unusable.
    if app.site.config.publicURL == nil {
        app.logger.warning("\(MailOfficeController.missingPublicURL) Mail waits in the outbox until it is set.")
        return
    }
    let worker = MailWorker(
        instance: RandomID.make("instance"), mailer: mailer, composer: app.site.composer,
        publicationDelay: Int64(app.site.config.mailDelayMinutes) * 60)
    BackgroundJob.start(app, name: "mail delivery", initialDelay: .seconds(2), every: .seconds(5)) { job in
        do {
            // A stop waits for the message being sent, not for the whole outbox.
            while !job.isStopped, try await worker.runOnce(now: app.site.clock.now(), on: app.db) > 0 {}
        } catch {
            app.logger.error("Mail delivery failed: \(SafeError.told(error))")
        }
    }
}
