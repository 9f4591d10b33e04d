import Fluent

/// Every migration, in order. Never edit or reorder a shipped one: add a new one at the end.
enum Migrations {
    static let all: [any Migration] = [
        CreatePublication(),            // 001
        CreatePublicationCountry(),     // 002
        CreatePublicationProgramme(),   // 003
        CreateOrganisation(),           // 004
        CreateSiteState(),              // 005
        CreateAccounts(),               // 006
        CreateSessions(),               // 007
        CreateAuditLog(),               // 008
        AddPublicationSchedule(),       // 009
        CreateSearchIndex(),            // 010
        CreateCases(),                  // 011
        CreateInterventions(),          // 012
        CreateSubscriptions(),          // 013
        CreateReports(),                // 014
        AddVerificationExpiry(),        // 015
        CreateActionCounts(),           // 016
        CreateCallsForInput(),          // 017
        AddOrganisationDetails(),       // 018
        CreateCampaigns(),              // 019
        CreateMissions(),               // 020
        CreateAssistance(),             // 021
        AddOrganisationAffiliations(),  // 022
        KeyAuditChain(),                // 026
    ]
}
