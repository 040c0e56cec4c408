package io.larder.cli.control;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutputTest {
    private static final String RESULT = """
            {"CacheClusters": [{"CacheClusterId": "c1", "NumCacheNodes": 1, "PendingModifiedValues": {},
             "CacheNodes": [{"CacheNodeId": "0001", "Endpoint": {"Address": "127.0.0.1", "Port": 7900}}], "Ids": []}]}""";

    @Test
    void jsonIsPrintedAsTheAwsCliPrintsIt() throws Exception {
        assertThat(Output.JSON.render("DescribeCacheClusters", ApiClient.JSON.readTree(RESULT))).isEqualTo("""
                {
                    "CacheClusters": [
                        {
                            "CacheClusterId": "c1",
                            "NumCacheNodes": 1,
                            "PendingModifiedValues": {},
                            "CacheNodes": [
                                {
                                    "CacheNodeId": "0001",
                                    "Endpoint": {
                                        "Address": "127.0.0.1",
                                        "Port": 7900
                                    }
                                }
                            ],
                            "Ids": []
                        }
                    ]
                }""");
    }

    @Test
    void textHasOneTabSeparatedLinePerObjectWithSortedKeys() throws Exception {
        assertThat(Output.TEXT.render("DescribeCacheClusters", ApiClient.JSON.readTree(RESULT))).isEqualTo(
                "CACHECLUSTERS\tc1\t1\nCACHENODES\t0001\nENDPOINT\t127.0.0.1\t7900");
    }

    @Test
    void tableListsEveryLeafUnderTheOperationName() throws Exception {
        String table = Output.TABLE.render("DescribeCacheClusters", ApiClient.JSON.readTree(RESULT));
        assertThat(table).contains("DescribeCacheClusters")
                .contains("| CacheClusters[0].CacheNodes[0].Endpoint.Port    | 7900      |")
                .contains("| CacheClusters[0].CacheClusterId ");
        assertThat(table.lines().map(String::length).distinct().count()).as("aligned").isEqualTo(1);
    }
}
