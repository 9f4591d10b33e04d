import Fluent
import ObservatoryCore

/// Every migration, in order (025 seals values under the key, so the list takes it). Never edit or reorder a shipped one: add a new one at the end.
enum Migrations {
    static func all(cipher: FieldCipher) -> [any Migration] {
        [
            CreatePublication(),  // 001
            CreatePublicationCountry(),  // 002
            CreatePublicationProgramme(),  // 003
            CreateOrganisation(),  // 004
            CreateSiteState(),  // 005
            CreateAccounts(),  // 006
            CreateSessions(),  // 007
            CreateAuditLog(),  // 008
            AddPublicationSchedule(),  // 009
            CreateSearchIndex(),  // 010
            CreateCases(),  // 011
            CreateInterventions(),  // 012
            CreateSubscriptions(),  // 013
            CreateReports(),  // 014
            AddVerificationExpiry(),  // 015
            CreateActionCounts(),  // 016
            CreateCallsForInput(),  // 017
            AddOrganisationDetails(),  // 018
            CreateCampaigns(),  // 019
            CreateMissions(),  // 020
            CreateAssistance(),  // 021
            AddOrganisationAffiliations(),  // 022
            CreateFourEyes(),  // 023
            SealOutboxErrors(cipher: cipher),  // 024
            SealBoundToRow(cipher: cipher),  // 025
            KeyAuditChain(),  // 026
            CreatePublicFormLimits(),  // 028
            CreateLegacyPaths(),  // 029
            CreateAccessTokens(),  // 030
            CreateReferenceCodes(),  // 031
            AddAccountLanguage(),  // 032
            CreatePersonLanguages(),  // 033
            OrderPostgresSearch(),  // 034
            AddListingIndexes(),  // 035
            AddEvidenceIntegrity(cipher: cipher),  // 037
            CreatePortraits(),  // 038
            CreateStaffAlerts(),  // 039
            CreateAnnualReportEditions(),  // 040
            CreateRetention(),  // 041
            CreateKitConflicts(),  // 042
            CreateKitExports(),  // 043
            AddRetentionSafeguards(),  // 044
            HardenKitMerge(),  // 045
            CreateRetentionProposals(),  // 046
            BackfillKitMerges(),  // 047
            DropDecidedKitValues(),  // 048
            SearchIndexWithoutPendingList(),  // 049
            RevokeTokensOfChangedAccounts(),  // 050
            RevokeTokensOutlivingAPasswordChange()  // 051
        ]
    }
}
